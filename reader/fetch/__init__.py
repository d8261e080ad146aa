"""`paper-reader fetch`: the Hugging Face daily papers, saved as dumps. The only network code."""
