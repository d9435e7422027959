package io.tokenapi.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link CacheHitBenchmark} on one thread. */
@Threads(1)
public class CacheHitOneThread extends CacheHitBenchmark {}
