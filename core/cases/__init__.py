"""Cases as staff read them: the queue and case view, documents and previews, deadlines, the dashboard."""
