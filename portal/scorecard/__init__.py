"""Partnership health, measured both ways (seed 003 #3, #7, #8): the benefits each party
expects with their values over time, trust as a formal indicator, each side's rating of
the partnership and of the other party with the gap between them, and a health score
made of weighted measures, kept per month with its trend.

The code says "scorecard" (`portal.health` is the load balancers' health check); pages
say "Health".
"""
