-- Challenges, battles, the moves of each round and the judged rounds.
create table challenges (
    id           text    primary key,
    from_id      integer not null references players(id),
    to_id        integer not null references players(id),
    created_at   integer not null,
    expires_at   integer not null,
    state        text    not null,               -- pending | accepted | rejected | expired
    answered_at  integer
);
create index challenges_to on challenges(to_id, state);
create index challenges_from on challenges(from_id, state);

create table battles (
    id             text    primary key,          -- the challenge's id
    p1             integer not null references players(id),   -- the challenger
    p2             integer not null references players(id),
    round          integer not null,             -- the round now open (1-based)
    round_started  integer not null,
    hp1            integer not null,
    hp2            integer not null,
    misses1        integer not null default 0,
    misses2        integer not null default 0,
    moved1         integer not null default 0,   -- has p1 made a first move (ends the accept lists)
    moved2         integer not null default 0,
    seen1          integer not null default 0,   -- newest judged round delivered to p1
    seen2          integer not null default 0,
    over           integer not null default 0,
    winner         text,                         -- a name, or '' for a draw
    outcome        text
);
create index battles_p1 on battles(p1, over);
create index battles_p2 on battles(p2, over);

create table battle_moves (
    battle_id  text    not null references battles(id),
    round      integer not null,
    player_id  integer not null,
    text       text    not null,
    items      text    not null,
    skills     text    not null,
    power      integer not null,
    primary key (battle_id, round, player_id)
);

create table battle_rounds (
    battle_id  text    not null references battles(id),
    round      integer not null,
    move1      text,                              -- null: that side hesitated
    move2      text,
    damage1    integer not null,                  -- dealt to p1
    damage2    integer not null,
    hp1        integer not null,
    hp2        integer not null,
    result     text    not null,
    primary key (battle_id, round)
);
