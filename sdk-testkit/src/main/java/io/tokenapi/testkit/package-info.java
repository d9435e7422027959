/**
 * Test support for applications that use the tokenapi SDK: {@code FakeTokenServer}, a scriptable
 * loopback token server, and {@code MutableClock}, a clock the test moves by hand (give one to the
 * SDK and the server).
 */
package io.tokenapi.testkit;
