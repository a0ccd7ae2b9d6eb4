"""Ghiseu domain: model, workflow engine, services and read queries. Never imports Streamlit."""
