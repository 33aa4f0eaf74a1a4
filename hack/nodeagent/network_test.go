package main

import (
	"net"
	"testing"
)

func TestNextFreeGoesRoundFromTheLastAddressGiven(t *testing.T) {
	_, cidr, _ := net.ParseCIDR("10.245.3.0/29") // host numbers 2..6
	used := map[string]bool{}
	var got []string
	last := uint32(0)
	for range 5 {
		ip, i := nextFree(cidr, used, last)
		got = append(got, ip.String())
		used[ip.String()], last = true, i
	}
	want := []string{"10.245.3.2", "10.245.3.3", "10.245.3.4", "10.245.3.5", "10.245.3.6"}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("addresses %v, want %v", got, want)
		}
	}
	if ip, _ := nextFree(cidr, used, last); ip != nil {
		t.Fatalf("a full range gave %s", ip)
	}
	// .3 is freed and .6 was given last: the next one is .3 again only because nothing after .6 is free.
	delete(used, "10.245.3.3")
	if ip, i := nextFree(cidr, used, last); ip.String() != "10.245.3.3" || i != 3 {
		t.Fatalf("got %s (%d), want 10.245.3.3 (3)", ip, i)
	}
}

func TestNextFreeDoesNotGiveAFreedAddressAtOnce(t *testing.T) {
	_, cidr, _ := net.ParseCIDR("10.245.3.0/24")
	// A pod had .2 and is gone; .2 was given last. The next pod gets .3, not .2.
	if ip, i := nextFree(cidr, map[string]bool{}, 2); ip.String() != "10.245.3.3" || i != 3 {
		t.Fatalf("got %s (%d), want 10.245.3.3 (3)", ip, i)
	}
	// From the top of the range it wraps to the bottom.
	if ip, _ := nextFree(cidr, map[string]bool{}, 254); ip.String() != "10.245.3.2" {
		t.Fatalf("got %s, want 10.245.3.2", ip)
	}
	// A /30 has one address for a pod (.2: .1 is the bridge's, .3 the broadcast); a /31 none.
	if ip, _ := nextFree(&net.IPNet{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.CIDRMask(30, 32)}, nil, 2); ip.String() != "10.0.0.2" {
		t.Fatalf("a /30 gave %s, want 10.0.0.2", ip)
	}
	if ip, _ := nextFree(&net.IPNet{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.CIDRMask(31, 32)}, nil, 0); ip != nil {
		t.Fatalf("a /31 gave %s", ip)
	}
}
