"""Events with RSVPs: webinars, AMAs, meetups... with capacity, a waitlist and reminders."""
