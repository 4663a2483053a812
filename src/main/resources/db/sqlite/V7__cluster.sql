-- What several instances share (SPEC §15); on SQLite, one instance uses the same tables.
-- Wrong passwords per account ('a:<id>') and per address ('ip:<address>'), so a lockout holds on every instance.
create table login_failures (
    key       text    primary key,
    failures  integer not null,
    last_at   integer not null
);

-- Who is online anywhere: written by each instance at most every few seconds per player.
create table presence (
    player_id  integer primary key references players(id),
    seen_at    integer not null                  -- ms; online while younger than presence.timeout_seconds
);

-- One story turn at a time per player across instances: a lease with an expiry, never held across a crash.
create table lanes (
    player_id  integer primary key references players(id),
    holder     text    not null,                 -- the instance and turn holding it
    until_at   integer not null                  -- ms; an older lease is free
);

-- Wake-ups between instances (LISTEN/NOTIFY says "look", this table says what happened); kept a minute.
create table signals (
    id      integer primary key,
    origin  text    not null,                    -- the instance that sent it
    kind    text    not null,
    target  text    not null,
    at      integer not null
);
