-- JdbcTokenStore's table for MySQL 8 / MariaDB (InnoDB). One row per client (store key): the sealed token and the
-- refresh lock. Every time is epoch milliseconds on the database's clock, so instances with skewed clocks agree.
-- store_key is compared byte for byte (ascii_bin): MySQL's default collations ignore case.
CREATE TABLE tokenapi_token_store (
  store_key        VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  sealed_token     MEDIUMTEXT CHARACTER SET ascii,    -- AES-GCM envelope (base64), bound to store_key; null until saved
  token_expires_ms BIGINT,                            -- when the token expires (for inspection and clean-up)
  fence            BIGINT       NOT NULL DEFAULT 0,   -- grows with every save
  lock_owner       VARCHAR(64),                       -- refresh lock: owner id, null when free
  lock_expires_ms  BIGINT                             -- refresh lock lease end
) ENGINE = InnoDB;
