"""An OpenAI-compatible model for bench/party_fuzz.py: answers after up to 2.5 s, fails 8 % of calls (HTTP 500), breaks
4 % of its streams midway, and says things a narrator must not be believed on ("Ann loses 50 hp", markup).
Usage: python3 bench/fuzz_model.py PORT"""
import asyncio, json, random, sys
PORT = int(sys.argv[1])
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            n = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"): n = int(line.split(b":")[1])
            body = json.loads(await reader.readexactly(n)) if n else {}
            await asyncio.sleep(random.random() * 2.5)
            r = random.random()
            text = random.choice(["The wind howls. Everyone does their part.", "<b>Bold</b> moves, friends!", "Nothing happens.",
                                  "The keeper nods: \"Well done.\" Ann loses 50 hp."])
            if r < 0.08:
                writer.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\n{}"); await writer.drain(); continue
            if body.get("stream"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                content = json.dumps({"text": text})
                for i in range(0, len(content), 7):
                    piece = content[i:i+7]
                    ev = ("data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": piece}}]}) + "\n\n").encode()
                    writer.write(b"%x\r\n%s\r\n" % (len(ev), ev)); await writer.drain()
                    await asyncio.sleep(random.random() * 0.1)
                    if r < 0.12 and i > 10: writer.close(); return  # broken stream
                ev = b"data: [DONE]\n\n"; writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(ev), ev)); await writer.drain()
            else:
                out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps({"text": text})}}]}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out)); await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()
async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", PORT)
    async with s: await s.serve_forever()
asyncio.run(main())
