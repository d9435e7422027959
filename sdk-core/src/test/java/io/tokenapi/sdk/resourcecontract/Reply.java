package io.tokenapi.sdk.resourcecontract;

/**
 * What a resource call answered, in HTTP terms (a gRPC caller maps {@code OK} to 200 and {@code
 * UNAUTHENTICATED} to 401).
 *
 * @param status the status code
 * @param body the body as text; empty when there was none
 */
public record Reply(int status, String body) {}
