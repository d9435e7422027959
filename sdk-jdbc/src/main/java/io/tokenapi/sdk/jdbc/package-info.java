/**
 * {@code JdbcTokenStore}: keeps the client's token, encrypted, in one table of the application's
 * relational database, so that it survives restarts and is shared by every instance, with a refresh
 * lock held as a row lease.
 */
package io.tokenapi.sdk.jdbc;
