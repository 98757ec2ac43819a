-- The Unix user an account's local jobs run as (Owner isolation), when an admin set one; NULL: the
-- Executor:UnixUsers setting, else the Unix user of the account's name.
ALTER TABLE users ADD COLUMN unix_user TEXT;
