// Runs before each test file: quiet logs unless asked for.
process.env.PVEBRIDGE_LOG_LEVEL ??= 'silent';
