"""Practice records: information sharing decisions, professional disagreement and escalation,
multi-agency meetings, the child's voice and record-quality prompts (issue 17, docs/practice.md)."""
