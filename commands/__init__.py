"""What a person asks the ledger to do: command objects, their handlers, the unit of work."""
