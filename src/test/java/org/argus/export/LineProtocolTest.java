package org.argus.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Cases from InfluxDB's line protocol reference ("Special characters" and its examples). */
class LineProtocolTest {

    @Test
    void escapesEachElementAsDocumented() {
        LineProtocol lp = new LineProtocol();
        lp.measurement("my measurement,x").tag("tag key", "tag,value=1").field("field=key", "say \"hi\" \\o/").end(1_556_813_561_098_000_000L);
        assertEquals("my\\ measurement\\,x,tag\\ key=tag\\,value\\=1 field\\=key=\"say \\\"hi\\\" \\\\o/\" 1556813561098000000\n", lp.toString());
    }

    @Test
    void typesEmptyTagsAndNonFiniteFloats() {
        LineProtocol lp = new LineProtocol();
        lp.measurement("m").tag("empty", "").tag("none", null).tag("k", "v").field("i", 42L).field("f", 1.5)
                .field("nan", Double.NaN).field("inf", Double.POSITIVE_INFINITY).field("b", true).field("s", (String) null).end(7);
        lp.measurement("m").field("line", "a\nb").end(8);
        assertEquals("m,k=v i=42i,f=1.5,b=true 7\nm line=\"a b\" 8\n", lp.toString());
        assertEquals(2, lp.lines());
    }

    @Test
    void refusesLinesInfluxWouldRefuse() {
        LineProtocol lp = new LineProtocol();
        assertThrows(IllegalStateException.class, () -> lp.measurement("m").tag("a", "b").end(1), "no field");
        LineProtocol lp2 = new LineProtocol();
        assertThrows(IllegalStateException.class, () -> lp2.measurement("m").field("x", 1L).tag("late", "tag"));
        assertThrows(IllegalStateException.class, () -> new LineProtocol().field("x", 1L), "no measurement");
    }
}
