"""POG Monitor read side: queries, statistics, charts and translations over the warehouse."""
