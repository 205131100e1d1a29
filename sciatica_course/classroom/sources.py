"""What the classroom kit reads from the course (placeholder until the quiz API lands)."""
