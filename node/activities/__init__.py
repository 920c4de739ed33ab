"""Activities (ontmoeting): meetings, club evenings, repair cafés."""
