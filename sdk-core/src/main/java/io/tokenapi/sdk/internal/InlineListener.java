package io.tokenapi.sdk.internal;

/**
 * Marks a listener of the SDK's own integration modules (Micrometer, OpenTelemetry) that is called
 * on the thread of the step, not through the client's bounded event queue: it only updates meters
 * and spans in memory and never blocks, and OpenTelemetry's {@code aroundAttempt} must find the
 * span its {@code onAttemptStarted} opened on that same thread. Not part of the API: the package is
 * not exported by the module, and an application's listener must not implement it (it would lose
 * the queue's bound).
 */
public interface InlineListener {}
