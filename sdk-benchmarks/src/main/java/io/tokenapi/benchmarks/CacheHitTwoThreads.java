package io.tokenapi.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link CacheHitBenchmark} on two threads sharing one cache: a hit must not contend. */
@Threads(2)
public class CacheHitTwoThreads extends CacheHitBenchmark {}
