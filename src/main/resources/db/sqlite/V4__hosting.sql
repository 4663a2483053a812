-- Hosting: bans, the last time a player was seen, and the host's audit log.
-- banned_until and last_seen are milliseconds (0 = not banned, never seen).
alter table players add column banned_until integer not null default 0;
alter table players add column last_seen integer not null default 0;
create table audit_log (
    id       integer primary key,
    at       integer not null,
    address  text    not null,      -- where the admin request came from
    action   text    not null,      -- players, password, ban, kick, backup, status
    target   text,                  -- the player acted on, if any
    detail   text                   -- e.g. the ban's minutes, never a password
);
