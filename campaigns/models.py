"""Campaigns, sites, units, rosters, conversations and actions arrive with the rosters issue."""
