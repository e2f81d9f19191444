"""The classroom: who may do what (teacher or visitor), the limits the teacher sets, and where they are kept."""
