import Foundation
import RegistryClient
import Testing

@Suite("Link header pagination")
struct LinkHeaderTests {
    let base = URL(string: "https://registry.example:5000/v2/my-app/tags/list?n=2") ?? URL(fileURLWithPath: "/")

    @Test("a relative next link resolves against the request URL")
    func relative() {
        let next = LinkHeader.next(in: [#"</v2/my-app/tags/list?last=b&n=2>; rel="next""#], relativeTo: base)
        #expect(next?.absoluteString == "https://registry.example:5000/v2/my-app/tags/list?last=b&n=2")
    }

    @Test("an absolute next link is taken as it is")
    func absolute() {
        let next = LinkHeader.next(
            in: [#"<https://other.example/v2/_catalog?last=x&n=100>; rel="next""#], relativeTo: base)
        #expect(next?.absoluteString == "https://other.example/v2/_catalog?last=x&n=100")
    }

    @Test("several links in one value, and commas inside the URL, pick the next one")
    func severalLinks() {
        let value = #"</v2/_catalog?last=a,b&n=1>; rel="prev", </v2/_catalog?last=c,d&n=1>; rel="next""#
        let next = LinkHeader.next(in: [value], relativeTo: base)
        #expect(next?.path == "/v2/_catalog")
        #expect(next?.query == "last=c,d&n=1")
    }

    @Test("several header values: the one with rel=next wins")
    func severalValues() {
        let next = LinkHeader.next(
            in: [#"</first>; rel="first""#, #"</second>; rel="next""#], relativeTo: base)
        #expect(next?.path == "/second")
    }

    @Test(
        "rel may be quoted, unquoted, upper case, or one of several relation types",
        arguments: [
            #"</p2>; rel="next""#, "</p2>; rel=next", #"</p2>; REL="NEXT""#, #"</p2>; title="x"; rel="last next""#,
        ])
    func relForms(value: String) {
        #expect(LinkHeader.next(in: [value], relativeTo: base)?.path == "/p2")
    }

    @Test(
        "no next link means the last page",
        arguments: [[], [#"</p1>; rel="prev""#], ["garbage"], [#"</p2>; rel="nextpage""#]])
    func noNext(values: [String]) {
        #expect(LinkHeader.next(in: values, relativeTo: base) == nil)
    }
}
