-- Each release's own rate basis (issue 14): the published rates of 2022-23
-- and 2023-24 used the previous mid-year's estimate, so mappa finds, for
-- each release, the loaded estimate that reproduces its published rates
-- and computes its rates on that. NULL when no loaded estimate reproduces
-- them all: the rates then use mid-YYYY, or the latest earlier estimate.
ALTER TABLE releases ADD COLUMN rates_population_mid_year INTEGER;
-- Of the areas (England and Wales included) with a published rate, how
-- many the estimate the rates use reproduces.
ALTER TABLE releases ADD COLUMN rates_reproduced INTEGER;
ALTER TABLE releases ADD COLUMN rates_published INTEGER;
