-- JdbcTokenStore's table for H2 2.x. One row per client (store key): the sealed token and the refresh lock.
-- Every time is epoch milliseconds on the database's clock, so instances with skewed clocks agree.
CREATE TABLE tokenapi_token_store (
  store_key        VARCHAR(200) NOT NULL PRIMARY KEY, -- hash of token URL, client id and scope; never a secret
  sealed_token     CHARACTER VARYING,                 -- AES-GCM envelope (base64), bound to store_key; null until saved
  token_expires_ms BIGINT,                            -- when the token expires (for inspection and clean-up)
  fence            BIGINT       NOT NULL DEFAULT 0,   -- grows with every save
  lock_owner       VARCHAR(64),                       -- refresh lock: owner id, null when free
  lock_expires_ms  BIGINT                             -- refresh lock lease end
);
