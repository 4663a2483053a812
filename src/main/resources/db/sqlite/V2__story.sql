-- Tasks, the turns told in them, stored images and model token use.
create table task_progress (
    player_id       integer not null references players(id),
    task_key        text    not null,            -- "c:<name>" common, "p:<id>" personal
    stage           integer not null,
    turns_in_stage  integer not null,
    done            integer not null default 0,
    summary         text    not null default '',  -- running summary handed to the model
    updated_at      integer not null,
    primary key (player_id, task_key)
);

create table personal_tasks (
    id          integer primary key,
    player_id   integer not null references players(id),
    name        text    not null,
    summary     text    not null,
    opening     text    not null,
    npc         text    not null,
    persona     text    not null,
    stages      text    not null,                -- JSON list of {goal, words}
    created_at  integer not null,
    unique (player_id, name)
);

create table active_task (
    player_id  integer primary key references players(id),
    task_key   text not null
);

create table turns (
    id           integer primary key,
    player_id    integer not null references players(id),
    task_key     text    not null,               -- '' for the DM's chat
    speaker      text    not null,
    player_text  text    not null,
    reply_text   text    not null,
    at           integer not null
);
create index turns_player_task on turns(player_id, task_key, id);

create table images (
    key  text primary key,
    png  blob
);

create table token_usage (
    player_id  integer not null references players(id),
    day        text    not null,
    tokens     integer not null,
    primary key (player_id, day)
);
