// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 id, bytes calldata data) external returns (bytes4);
}

/// An ERC-721 collection for load tests, with its own marketplace. `mint()` takes the shared
/// counter's next id, so mints of one collection contend on the counter; `mintId(id)` mints an id
/// chosen in advance and leaves the counter alone (EVM storage has no commutative add: counting it
/// up would make them contend too). A sale pays the creator a royalty (as ledger/kinds/nft.ts):
/// every sale of the collection writes the creator's balance.
contract Collection {
    uint256 public constant ROYALTY_BPS = 500;
    string public name;
    string public symbol;
    uint256 public immutable maxSupply;
    address payable public immutable creator;
    uint256 public nextId;
    /// A standing listing's price; 0: not listed.
    mapping(uint256 => uint256) public priceOf;
    mapping(uint256 => address) private owners;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public getApproved;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event Transfer(address indexed from, address indexed to, uint256 indexed id);
    event Approval(address indexed owner, address indexed approved, uint256 indexed id);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    event Listed(uint256 indexed id, address indexed seller, uint256 price);
    event Sold(uint256 indexed id, address indexed seller, address indexed buyer, uint256 price);

    constructor(string memory name_, string memory symbol_, uint256 maxSupply_, address payable creator_) {
        name = name_;
        symbol = symbol_;
        maxSupply = maxSupply_;
        creator = creator_;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x80ac58cd || id == 0x01ffc9a7;
    }

    function ownerOf(uint256 id) public view returns (address holder) {
        holder = owners[id];
        require(holder != address(0), "no such token");
    }

    function mint() external returns (uint256 id) {
        id = nextId;
        require(id < maxSupply, "sold out");
        nextId = id + 1;
        _mint(msg.sender, id);
    }

    function mintId(uint256 id) external {
        require(id < maxSupply, "sold out");
        require(owners[id] == address(0), "already minted");
        _mint(msg.sender, id);
    }

    function approve(address to, uint256 id) external {
        address holder = ownerOf(id);
        require(msg.sender == holder || isApprovedForAll[holder][msg.sender], "not allowed");
        getApproved[id] = to;
        emit Approval(holder, to, id);
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function transferFrom(address from, address to, uint256 id) public {
        require(owners[id] == from && from != address(0), "not the owner");
        require(msg.sender == from || getApproved[id] == msg.sender || isApprovedForAll[from][msg.sender], "not allowed");
        require(to != address(0), "no recipient");
        _move(from, to, id);
    }

    /// Puts a token up for sale; a transfer or a sale withdraws the listing.
    function list(uint256 id, uint256 price) external {
        require(owners[id] == msg.sender, "not the owner");
        require(price > 0, "no price");
        priceOf[id] = price;
        emit Listed(id, msg.sender, price);
    }

    /// Buys a listed token from the seller the order names (stale if it changed hands since),
    /// paying at most the value sent: the rest comes back.
    function buy(uint256 id, address payable seller) external payable {
        uint256 price = priceOf[id];
        require(price > 0, "not listed");
        require(owners[id] == seller, "stale order");
        require(seller != msg.sender, "own token");
        require(msg.value >= price, "price above the value sent");
        _move(seller, msg.sender, id);
        uint256 royalty = (price * ROYALTY_BPS) / 10_000;
        _pay(seller, price - royalty);
        _pay(creator, royalty);
        if (msg.value > price) _pay(payable(msg.sender), msg.value - price);
        emit Sold(id, seller, msg.sender, price);
    }

    function safeTransferFrom(address from, address to, uint256 id) external {
        safeTransferFrom(from, to, id, "");
    }

    function safeTransferFrom(address from, address to, uint256 id, bytes memory data) public {
        transferFrom(from, to, id);
        if (to.code.length > 0) {
            require(IERC721Receiver(to).onERC721Received(msg.sender, from, id, data) == IERC721Receiver.onERC721Received.selector, "recipient refuses tokens");
        }
    }

    function _move(address from, address to, uint256 id) private {
        delete getApproved[id];
        delete priceOf[id];
        unchecked {
            balanceOf[from] -= 1;
        }
        balanceOf[to] += 1;
        owners[id] = to;
        emit Transfer(from, to, id);
    }

    function _pay(address payable to, uint256 amount) private {
        (bool paid, ) = to.call{value: amount}("");
        require(paid, "payment refused");
    }

    function _mint(address to, uint256 id) private {
        owners[id] = to;
        balanceOf[to] += 1;
        emit Transfer(address(0), to, id);
    }
}
