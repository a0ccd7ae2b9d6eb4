"""The composition root of the workflow's subscribers: importing it subscribes every module that reacts to
domain events. A new subscriber is a module with `@events.subscribe(...)` functions, imported here.
Loaded by `core.services` (every write goes through it) before any transition may fire."""

from core.workflow import deadlines, events, notifications

SUBSCRIBER_MODULES = (deadlines, notifications)
events.wired()
