-- The PostgreSQL form of the SQLite migration of the same name: bigint for integer, identity ids, bytea for blob.
-- Challenges, battles, the moves of each round and the judged rounds.
create table challenges (
    id           text    primary key,
    from_id      bigint not null references players(id),
    to_id        bigint not null references players(id),
    created_at   bigint not null,
    expires_at   bigint not null,
    state        text    not null,               -- pending | accepted | rejected | expired
    answered_at  bigint
);
create index challenges_to on challenges(to_id, state);
create index challenges_from on challenges(from_id, state);

create table battles (
    id             text    primary key,          -- the challenge's id
    p1             bigint not null references players(id),   -- the challenger
    p2             bigint not null references players(id),
    round          bigint not null,             -- the round now open (1-based)
    round_started  bigint not null,
    hp1            bigint not null,
    hp2            bigint not null,
    misses1        bigint not null default 0,
    misses2        bigint not null default 0,
    moved1         bigint not null default 0,   -- has p1 made a first move (ends the accept lists)
    moved2         bigint not null default 0,
    seen1          bigint not null default 0,   -- newest judged round delivered to p1
    seen2          bigint not null default 0,
    over           bigint not null default 0,
    winner         text,                         -- a name, or '' for a draw
    outcome        text
);
create index battles_p1 on battles(p1, over);
create index battles_p2 on battles(p2, over);

create table battle_moves (
    battle_id  text    not null references battles(id),
    round      bigint not null,
    player_id  bigint not null,
    text       text    not null,
    items      text    not null,
    skills     text    not null,
    power      bigint not null,
    primary key (battle_id, round, player_id)
);

create table battle_rounds (
    battle_id  text    not null references battles(id),
    round      bigint not null,
    move1      text,                              -- null: that side hesitated
    move2      text,
    damage1    bigint not null,                  -- dealt to p1
    damage2    bigint not null,
    hp1        bigint not null,
    hp2        bigint not null,
    result     text    not null,
    primary key (battle_id, round)
);
