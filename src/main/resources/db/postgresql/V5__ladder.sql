-- The PostgreSQL form of the SQLite migration of the same name: bigint for integer, identity ids, bytea for blob.
-- The duel ladder: an Elo rating (start 1000) and the record of each player.
alter table players add column rating bigint not null default 1000;
alter table players add column wins bigint not null default 0;
alter table players add column losses bigint not null default 0;
alter table players add column draws bigint not null default 0;
create index players_rating on players(rating desc);
