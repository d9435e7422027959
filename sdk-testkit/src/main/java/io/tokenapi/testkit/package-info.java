/**
 * Test support for applications that use the tokenapi SDK: {@code FakeTokenServer}, a scriptable
 * loopback token server.
 */
package io.tokenapi.testkit;
