-- Party quests (SPEC §16): two to four players in one scene.
create table parties (
    id            text    primary key,
    code          text    not null unique,         -- six letters or digits, read aloud at the LAN party
    leader_id     bigint not null references players(id),
    task          text,                            -- the party task under way (or being readied); null before
    phase         text    not null default 'forming', -- forming | ready_check | playing
    stage         integer not null default 0,
    round         integer not null default 0,      -- the round declarations go to
    resolving     integer,                         -- the round claimed for resolution (one instance narrates it)
    resolving_at  bigint,
    deadline      bigint,                         -- ms: the round resolves at this time whoever has not acted
    rounds_played integer not null default 0,
    last_event    integer not null default 0,
    created_at    bigint not null
);

create table party_members (
    party_id   text    not null references parties(id),
    player_id  bigint not null unique references players(id),  -- one party per player
    joined_at  bigint not null,
    state      text    not null default 'active',  -- active | passive
    ready      integer not null default 0,
    timeouts   integer not null default 0,         -- holds by timeout in a row
    acted      integer not null default 0,         -- rounds of this quest acted in
    primary key (party_id, player_id)
);

create table party_invites (
    party_id   text    not null references parties(id),
    player_id  bigint not null references players(id),
    from_name  text    not null,
    at         bigint not null,
    primary key (party_id, player_id)
);

create table party_actions (
    party_id   text    not null references parties(id),
    round      integer not null,
    player_id  bigint not null references players(id),
    kind       text    not null,                   -- act | hold
    text       text    not null,
    items      text    not null,                   -- JSON lists
    skills     text    not null,
    at         bigint not null,
    primary key (party_id, round, player_id)
);

create table party_events (
    party_id   text    not null references parties(id),
    n          integer not null,
    kind       text    not null,
    data       text    not null,                   -- the event's JSON
    at         bigint not null,
    primary key (party_id, n)
);

create index party_invites_player on party_invites(player_id);
