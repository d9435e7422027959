/**
 * JUnit Jupiter support for the testkit: {@link
 * io.tokenapi.testkit.junit5.FakeTokenServerExtension} starts and stops a {@link
 * io.tokenapi.testkit.FakeTokenServer} around tests. Needs {@code junit-jupiter-api} on the test
 * class path; the rest of the testkit does not.
 */
package io.tokenapi.testkit.junit5;
