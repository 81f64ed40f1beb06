"""Online payment: the bank's protocol (Paybox), the gateway, attempts and notifications, the day's list."""
