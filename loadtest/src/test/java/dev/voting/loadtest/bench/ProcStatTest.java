package dev.voting.loadtest.bench;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcStatTest {
    @Test
    void fieldsAreCountedFromTheLastParenthesisSoThatAnyCommandNameParses() {
        String stat = "4242 (java (api) x) S 17 4242 4242 0 -1 4194560 9 0 0 0 150 25 3 4 20 0 41 0 100 0 0";
        ProcStat.Times times = ProcStat.parse(stat);
        assertEquals(4242, times.pid());
        assertEquals(17, times.parent());
        assertEquals(175, times.ownTicks());
        assertEquals(7, times.reapedChildrenTicks());
    }

    @Test
    void aListeningSocketIsFoundByItsHexPort() {
        String listen = "   1: 0100007F:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000   119        0 31337 1 0";
        String established = "   2: 0100007F:1628 0100007F:C350 01 00000000:00000000 00:00000000 00000000   119        0 31338 1 0";
        assertEquals(Optional.of("31337"), ProcStat.listeningInode(listen, 5672));
        assertEquals(Optional.empty(), ProcStat.listeningInode(listen, 5432));
        assertEquals(Optional.empty(), ProcStat.listeningInode(established, 5672));
    }
}
