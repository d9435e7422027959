/**
 * Bearer tokens for Jakarta REST clients (Jersey, RESTEasy, MicroProfile REST Client): {@link
 * io.tokenapi.sdk.jakartars.BearerTokenFilter}.
 */
package io.tokenapi.sdk.jakartars;
