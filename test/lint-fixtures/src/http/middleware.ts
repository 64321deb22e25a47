// The REST toolkit knows no module.
// eslint-disable-next-line edgeshop/module-boundaries -- let the root wire modules in
import { authenticateAdminKey } from "../modules/access";

export const used = authenticateAdminKey;
