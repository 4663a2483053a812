-- A world that remembers: each player's memories, and the chronicle of public deeds.
create table memories (
    id         integer primary key,
    player_id  integer not null references players(id),
    kind       text    not null,                 -- task, stage, event, craft, duel
    text       text    not null,
    npcs       text    not null default '',      -- the characters met, one name a line
    task_key   text    not null default '',      -- the task it happened in, '' outside tasks
    at         integer not null
);
create index memories_player on memories(player_id, id);

create table chronicle (
    id         integer primary key,
    player_id  integer not null references players(id),
    text       text    not null,
    at         integer not null
);
create index chronicle_player on chronicle(player_id, id);
