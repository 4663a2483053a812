-- Accounts, sessions and the character sheet.
create table players (
    id              integer primary key,
    name            text    not null unique,
    name_key        text    not null unique,      -- case-folded name: "Ann" and "ann" are one player
    email           text    not null unique,      -- lower-cased
    password_hash   text    not null,             -- bcrypt of the client's (already hashed) password
    callback        text,                         -- host:port for pushes to the client
    login_address   text,                         -- remote address of the last signup/login
    address_active  integer not null default 0,   -- 0 after /logout: address-based access ends
    avatar          blob,
    created_at      integer not null
);

create table sessions (
    token_hash  text    primary key,
    player_id   integer not null references players(id),
    created_at  integer not null
);
create index sessions_player on sessions(player_id);

create table characters (
    player_id  integer primary key references players(id),
    level      integer not null,
    exp        integer not null,
    matter     integer not null,
    energy     integer not null,
    hp         integer not null,
    max_hp     integer not null,
    attack     integer not null,
    defense    integer not null,
    minutes    integer not null                    -- world clock: minutes since day 1, 00:00
);

create table equipment (
    player_id    integer not null references players(id),
    name         text    not null,
    description  text    not null,
    power        integer not null,
    count        integer not null,
    acquired_at  integer not null,
    primary key (player_id, name)
);

create table skills (
    player_id    integer not null references players(id),
    name         text    not null,
    description  text    not null,
    power        integer not null,
    cost         integer not null,
    acquired_at  integer not null,
    primary key (player_id, name)
);
