// Which module reacts to which events. Add a line per handler; each owns its idempotent effect.
import { webhookFanOut } from "../webhooks/fan-out";
import { registerEventHandler } from "./handlers";

registerEventHandler(webhookFanOut);
