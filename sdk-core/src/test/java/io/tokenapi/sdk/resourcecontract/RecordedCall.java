package io.tokenapi.sdk.resourcecontract;

/**
 * One call as a resource server received it.
 *
 * @param authorization the {@code Authorization} header (gRPC: the {@code authorization} metadata),
 *     or null when there was none
 */
public record RecordedCall(String authorization) {}
