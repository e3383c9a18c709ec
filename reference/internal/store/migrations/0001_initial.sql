-- 0001: users, groups and tokens.
--
-- Text columns compared case-insensitively are COLLATE "C", so lower()
-- folds ASCII only, like SQLite's NOCASE: userName uniqueness and lookups
-- behave the same on both backends whatever the database's default locale.
-- userName is unique through the index on (lower(user_name), name_dup):
-- name_dup is '' for every user, except under the reference server's
-- no-uniqueness fault, which stores the user's id there instead.
CREATE TABLE users (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text NOT NULL UNIQUE,
  user_name    text COLLATE "C" NOT NULL,
  name_dup     text NOT NULL DEFAULT '',
  external_id  text NOT NULL DEFAULT '',
  display_name text COLLATE "C" NOT NULL DEFAULT '',
  active       boolean NOT NULL,
  doc          text NOT NULL,
  created      timestamptz NOT NULL,
  modified     timestamptz NOT NULL,
  version      bigint NOT NULL
);
CREATE UNIQUE INDEX users_user_name_key ON users (lower(user_name), name_dup);
CREATE INDEX users_external_id ON users (external_id);
CREATE INDEX users_display_name ON users (lower(display_name));

CREATE TABLE groups (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text NOT NULL UNIQUE,
  display_name text COLLATE "C" NOT NULL,
  external_id  text NOT NULL DEFAULT '',
  doc          text NOT NULL,
  created      timestamptz NOT NULL,
  modified     timestamptz NOT NULL,
  version      bigint NOT NULL
);
CREATE INDEX groups_display_name ON groups (lower(display_name));
CREATE INDEX groups_external_id ON groups (external_id);

CREATE TABLE tokens (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         text NOT NULL UNIQUE,
  label      text NOT NULL,
  hash       bytea NOT NULL UNIQUE,
  created    timestamptz NOT NULL,
  revoked_at timestamptz
);
