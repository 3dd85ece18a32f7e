"""Trade promotion events, gift sets and tourism slots."""
