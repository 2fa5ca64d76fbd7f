"""The assistant: routes a question, retrieves sections, answers with numbered citations."""
