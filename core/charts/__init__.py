"""What the Curves page shows, without Streamlit: plotly figures, progress and ETA, and the lessons of a run."""
