package io.tokenapi.sdk.internal;

/**
 * Marks a listener the SDK calls on the thread of the step (the SDK's own Micrometer and
 * OpenTelemetry listeners are named in {@code ListenerDispatcher} instead; this marker serves the
 * SDK's own tests), called on the thread of the step, not through the client's bounded event queue:
 * it only updates meters and spans in memory and never blocks, and OpenTelemetry's {@code
 * aroundAttempt} must find the span its {@code onAttemptStarted} opened on that same thread. Not
 * part of the API: the package is not exported by the module, and an application's listener must
 * not implement it (it would lose the queue's bound).
 */
public interface InlineListener {}
