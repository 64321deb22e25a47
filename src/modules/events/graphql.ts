import { builder } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import type { DeadLetter, Event, EventReplay } from "./schemas";
import * as eventsService from "./service";

const EventRef = builder.objectRef<Event>("Event");
const DeadLetterRef = builder.objectRef<DeadLetter>("DeadLetter");
const DeadLetterStatusEnum = builder.enumType("DeadLetterStatus", { values: { DEAD: { value: "dead" }, REPLAYED: { value: "replayed" } } as const });

EventRef.implement({
  description: "Something that happened in the shop, as webhook receivers get it. Admin (events:read).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Also the webhook-id of its deliveries." }),
    type: t.exposeString("type"),
    resourceType: t.string({ resolve: (e) => e.resource.type }),
    resourceId: t.id({ resolve: (e) => e.resource.id }),
    sequence: t.exposeInt("sequence", { description: "1, 2, 3… per resource." }),
    timestamp: t.exposeString("timestamp"),
    data: t.string({ description: "The event data as JSON text; its shape per type is in /asyncapi.json.", resolve: (e) => JSON.stringify(e.data) }),
    publishedAt: t.exposeString("publishedAt", { nullable: true }),
    handledAt: t.exposeString("handledAt", { nullable: true, description: "When every subscribed handler had run; null until then." }),
  }),
});

const EventReplayRef = builder.objectRef<EventReplay>("EventReplay");
EventReplayRef.implement({
  fields: (t) => ({
    event: t.field({ type: EventRef, resolve: (r) => r.event }),
    handlers: t.exposeStringList("handlers", { description: "The handlers that run again." }),
  }),
});

DeadLetterRef.implement({
  description: "An event message that failed every queue retry.",
  fields: (t) => ({
    id: t.exposeID("id"),
    eventId: t.exposeID("eventId", { nullable: true }),
    eventType: t.exposeString("eventType", { nullable: true }),
    body: t.string({ description: "The message as JSON text.", resolve: (d) => JSON.stringify(d.body) }),
    attempts: t.exposeInt("attempts"),
    status: t.field({ type: DeadLetterStatusEnum, resolve: (d) => d.status }),
    deadCount: t.exposeInt("deadCount"),
    firstDeadAt: t.exposeString("firstDeadAt"),
    lastDeadAt: t.exposeString("lastDeadAt"),
    replayedAt: t.exposeString("replayedAt", { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  events: t.connection({
    type: EventRef,
    description: "Events in commit order (the pull API). Keep pageInfo.endCursor and pass it as `after` to resume. Admin (events:read).",
    args: { types: t.arg.stringList({ description: "Only these event types." }) },
    resolve: async (_root, args, ctx) => {
      if (args.last != null || args.before != null) forwardArgs(args);
      const page = await eventsService.listEvents(ctx.services, {
        ...(args.first != null && { limit: args.first }),
        ...(args.after != null && { after: args.after }),
        ...(args.types && { types: args.types.join(",") }),
      });
      return toConnection(page);
    },
  }),
  event: t.field({
    type: EventRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => eventsService.getEvent(ctx.services, args.id),
  }),
  deadLetters: t.connection({
    type: DeadLetterRef,
    description: "Dead-lettered event messages, newest first. Admin (events:read).",
    args: { status: t.arg({ type: DeadLetterStatusEnum }) },
    resolve: async (_root, args, ctx) =>
      toConnection(await eventsService.listDeadLetters(ctx.services, { ...forwardArgs(args), ...(args.status && { status: args.status }) })),
  }),
}));

builder.mutationFields((t) => ({
  replayEvent: t.field({
    type: EventReplayRef,
    description:
      "Run an event's handlers again (the named ones, or all subscribed to its type): their records of having run are cleared and the event is queued again. Admin (events:write).",
    args: { id: t.arg.id({ required: true }), handlers: t.arg.stringList({ description: "e.g. [\"webhooks.fan-out\"]; all when omitted." }) },
    resolve: (_root, args, ctx) => eventsService.replayEvent(ctx.services, args.id, args.handlers ? { handlers: args.handlers } : {}),
  }),
  replayDeadLetter: t.field({
    type: DeadLetterRef,
    description: "Put a dead letter back on the events queue. Admin (events:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => eventsService.replayDeadLetter(ctx.services, args.id),
  }),
}));
