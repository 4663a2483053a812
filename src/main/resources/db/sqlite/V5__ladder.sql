-- The duel ladder: an Elo rating (start 1000) and the record of each player.
alter table players add column rating integer not null default 1000;
alter table players add column wins integer not null default 0;
alter table players add column losses integer not null default 0;
alter table players add column draws integer not null default 0;
create index players_rating on players(rating desc);
