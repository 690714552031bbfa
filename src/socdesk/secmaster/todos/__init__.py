"""~/soc/tasks: the to-dos user tasks open, in the SDK's shapes."""
