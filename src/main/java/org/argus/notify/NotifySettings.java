package org.argus.notify;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code notify.*}: where a person is told at once what the sensor did.
 *
 * @param channels     the channels ({@code notify.channels})
 * @param dashboardUrl the dashboard's address as people open it, for the {@code {dashboard}} link ({@code notify.dashboard_url})
 */
public record NotifySettings(List<Channel> channels, String dashboardUrl) {
    /** Event kinds a channel may take. */
    public static final Set<String> EVENTS = Set.of("ban", "unban", "new_device", "band_change", "health_alert", "emergency_stop");
    /** Channel types. */
    public static final Set<String> TYPES = Set.of("webhook", "ntfy", "telegram", "slack", "discord", "mattermost", "email");

    public NotifySettings {
        channels = List.copyOf(channels);
    }

    /**
     * One channel.
     *
     * @param name           its name (logs, {@code /status})
     * @param type           {@code webhook}, {@code ntfy}, {@code telegram}, {@code slack}, {@code discord},
     *                       {@code mattermost} or {@code email}
     * @param url            where to POST (webhook, ntfy topic URL, Slack/Discord/Mattermost incoming webhook); for
     *                       telegram the API base ({@code https://api.telegram.org} by default)
     * @param template       webhook body with {@code {placeholders}} (empty: the default JSON)
     * @param events         event kinds it takes (empty: all)
     * @param minRisk        bans below this risk are not sent ({@code low}, {@code medium}, {@code high})
     * @param maxPerInterval messages per interval at most; the rest become one summary at the interval's end
     * @param interval       the rate limit's interval
     * @param attempts       tries per message before it is counted as failed
     * @param botToken       telegram bot token
     * @param chatId         telegram chat id
     * @param email          SMTP settings for {@code email}, else null
     */
    public record Channel(String name, String type, String url, String template, Set<String> events, String minRisk,
                          int maxPerInterval, Duration interval, int attempts, String botToken, String chatId, Email email) {
        public Channel {
            events = Set.copyOf(events);
        }

        /** Whether this channel takes the kind. */
        boolean takes(String kind) {
            return events.isEmpty() || events.contains(kind);
        }
    }

    /**
     * SMTP for {@code email} channels (vertx-mail-client).
     *
     * @param host     the server
     * @param port     its port (587 submission with STARTTLS, 25)
     * @param starttls {@code required}, {@code optional} or {@code disabled}
     * @param username login, empty for none
     * @param password its password
     * @param from     the sender address
     * @param to       recipients
     */
    public record Email(String host, int port, String starttls, String username, String password, String from, List<String> to) {
        public Email {
            to = List.copyOf(to);
        }
    }
}
