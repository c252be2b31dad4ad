// Usage: node validate.mjs FILE
// Parses FILE with ical.js and prints JSON: the calendar's METHOD and, for each VEVENT,
// its UID, SUMMARY, STATUS, SEQUENCE, TZID, start and end (UTC), attendees and organizer.
// Exits 1 with {"error": ...} when the file cannot be parsed.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const path = process.argv[2];
try {
  const text = readFileSync(path, "utf8");
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const start = component.getFirstProperty("dtstart");
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      status: component.getFirstPropertyValue("status"),
      sequence: event.sequence,
      tzid: start ? start.getParameter("tzid") : null,
      start: event.startDate ? event.startDate.toJSDate().toISOString() : null,
      end: event.endDate ? event.endDate.toJSDate().toISOString() : null,
      organizer: component.getFirstPropertyValue("organizer"),
      attendees: component.getAllProperties("attendee").map((p) => p.getFirstValue()),
    };
  });
  const result = {
    method: calendar.getFirstPropertyValue("method"),
    prodid: calendar.getFirstPropertyValue("prodid"),
    timezones: calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
    events,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error) }) + "\n");
  process.exit(1);
}
